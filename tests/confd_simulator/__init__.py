"""A faithful wazo-confd + wazo-auth simulator for tests (both API generations); see README.md."""
