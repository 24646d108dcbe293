# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""When a value the server holds equals the one wanted: confd's str/int mixes and its unordered lists."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from collections import Counter


def same_value(current, desired):
    """Plain equality, tolerant of confd's str/int mixes (``remote_port: "5060"`` reads back 5060)."""
    if current == desired:
        return True
    if isinstance(current, bool) or isinstance(desired, bool) or current is None or desired is None:
        return False
    if isinstance(current, (dict, list)) or isinstance(desired, (dict, list)):
        return False
    return str(current) == str(desired)


def _pairs_counter(pairs):
    return Counter((str(key), str(value)) for key, value in (pairs or []))


def same_multiset(current, desired):
    """[key, value] lists compared regardless of order (confd gives no order guarantee)."""
    return _pairs_counter(current) == _pairs_counter(desired)


def same_uuid(current, desired):
    """``{"uuid": ...}`` references (or null)."""
    return (current or {}).get('uuid') == (desired or {}).get('uuid')


def same_uuids(current, desired):
    """Ordered ``[{"uuid": ...}]`` lists (template order is inheritance order)."""
    return [item.get('uuid') for item in current or []] == [item.get('uuid') for item in desired or []]
