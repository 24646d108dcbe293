# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Secrets in what confd returns: which fields and options are secret, and their masking.

confd answers every password in clear (a legacy endpoint's ``secret``, a register's ``auth_password``,
PJSIP ``password`` options): results and diffs show them as ``MASK``.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

MASK = '********'
# Keys whose value is a secret inside [key, value] option lists (chan_sip options, PJSIP sections).
SECRET_OPTION_KEYS = frozenset(['secret', 'password', 'md5secret', 'remotesecret'])
# Fields whose value is a secret wherever they appear in what confd returns (a legacy register's auth_password, an
# incall destination's DISA pin...), masked in results and diffs even when the resource does not declare them.
SECRET_FIELDS = frozenset(['secret', 'password', 'auth_password', 'pin', 'md5secret', 'remotesecret'])


def mask_secrets(obj, secret_fields=()):
    """Deep copy of obj with the secret fields (SECRET_FIELDS and secret_fields, at any depth) and the secret
    [key, value] options masked."""
    return _masked(obj, SECRET_FIELDS | frozenset(secret_fields))


def _masked(value, secret_fields):
    if isinstance(value, dict):
        return dict((key, MASK if key in secret_fields and item not in (None, '') and not isinstance(item, (dict, list))
                     else _masked(item, secret_fields)) for key, item in value.items())
    if isinstance(value, list):
        return [_masked(_mask_pair(item), secret_fields) for item in value]
    return value


def _mask_pair(item):
    if isinstance(item, (list, tuple)) and len(item) == 2 and str(item[0]) in SECRET_OPTION_KEYS:
        return [item[0], MASK]
    return item


def secret_option_values(value):
    """The values of secret keys (SECRET_OPTION_KEYS) in option pairs and mappings anywhere in value."""
    found = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if str(key) in SECRET_OPTION_KEYS:
                found.update(str(one) for one in (item if isinstance(item, list) else [item])
                             if one not in (None, '') and not isinstance(one, (bool, dict, list)))
            else:
                found.update(secret_option_values(item))
    elif isinstance(value, (list, tuple)):
        if len(value) == 2 and not isinstance(value[0], (dict, list)) and str(value[0]) in SECRET_OPTION_KEYS:
            if value[1] not in (None, '') and not isinstance(value[1], (bool, dict, list)):
                found.add(str(value[1]))
        else:
            for item in value:
                found.update(secret_option_values(item))
    return found
