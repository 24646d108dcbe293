# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # Every resource module of the collection runs in check mode and reports a diff through the engine.
    DOCUMENTATION = r'''
attributes:
  check_mode:
    description:
      - Can run in check mode and return the changed status prediction without modifying the server.
      - A parent the task needs that check mode did not create (the SIP endpoint of a new trunk, the trunk of a new
        registration or outcall) is assumed to be created by an earlier task of the same run, with a warning naming
        it; the task then predicts, with its diff, what the real run would do. A real run fails if it is missing.
    support: full
  diff_mode:
    description:
      - Will return details on what has changed (or would change in check mode) in diff mode.
      - Only the fields the task manages are shown; secrets read C(********).
    support: full
'''
