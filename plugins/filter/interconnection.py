# -*- coding: utf-8 -*-
# Copyright (c) wazo.confd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The role provider_interconnection's view of plugins/module_utils/interconnection.py, the one declaration of a
provider entry: each filter is one of its functions (documented in the interconnection_*.yml files beside this one)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.wazo.confd.plugins.module_utils.interconnection import (
    complete_providers, module_arguments, passwordless_providers, provider_problems,
)


def interconnection_providers(entries, defaults=None):
    return complete_providers(entries, defaults)


def interconnection_problems(providers, existing=None):
    return provider_problems(providers, existing)


def interconnection_passwordless(providers):
    return passwordless_providers(providers)


def interconnection_tasks(providers, generation, existing=None):
    try:
        return module_arguments(providers, generation, existing)
    except ValueError as error:
        raise AnsibleFilterError(str(error))


class FilterModule(object):

    def filters(self):
        return {
            'interconnection_providers': interconnection_providers,
            'interconnection_problems': interconnection_problems,
            'interconnection_passwordless': interconnection_passwordless,
            'interconnection_tasks': interconnection_tasks,
        }
