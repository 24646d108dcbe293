# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The API generation of the server: legacy (chan_sip, Wazo <= 20.12) or current (PJSIP, Wazo >= 20.13).

``GenerationMixin`` gives a client its ``generation``: the api_generation option, else the ``wazo_version`` of
``GET /infos``, asked once per task. The differences between the generations are adapters.py's.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.wazo.confd.plugins.module_utils.client import ConfdError

LEGACY = 'legacy'
CURRENT = 'current'
# Wazo 20.13 replaced chan_sip endpoints and /registers/sip by PJSIP sections (confd CHANGELOG 20.13).
FIRST_CURRENT_VERSION = (20, 13)


def parse_version(text):
    """'20.11' -> (20, 11); None when the text is not a YY.NN version."""
    match = re.match(r'^\s*(\d+)\.(\d+)', str(text or ''))
    return (int(match.group(1)), int(match.group(2))) if match else None


class GenerationMixin(object):
    """``generation`` for a client with ``get()``; ``api_generation`` is the option ('auto', 'legacy' or
    'current'), ``wazo_version`` what the server announced (None when it was not asked)."""

    api_generation = 'auto'
    wazo_version = None
    _generation = None

    @property
    def generation(self):
        """'legacy' or 'current': the api_generation option, else GET /infos once."""
        if self._generation is None:
            if self.api_generation in (LEGACY, CURRENT):
                self._generation = self.api_generation
            else:
                infos = self.get('/infos')
                self.wazo_version = infos.get('wazo_version')
                version = parse_version(self.wazo_version)
                if version is None:
                    raise ConfdError('GET', '/infos', 200, ['cannot read wazo_version %r; set api_generation'
                                                            % self.wazo_version])
                self._generation = LEGACY if version < FIRST_CURRENT_VERSION else CURRENT
        return self._generation
