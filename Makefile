# Shortcuts for dev.py, which needs nothing but Python 3.11+.
.PHONY: run test lint messages audit

run:
	python3 dev.py run

test:
	python3 dev.py test

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

# After changing user-facing text: update the catalogue, translate, compile.
messages:
	.venv/bin/python manage.py makemessages -l fr --no-obsolete --ignore=.venv --ignore=node_modules --ignore=staticfiles
	.venv/bin/python manage.py compilemessages --ignore=.venv

# Known vulnerabilities in the pinned dependencies (docs/security.md): pip-audit in its own
# throwaway environment, so that it never mixes with the project's packages. Needs PyPI.
audit:
	python3 -m venv .data/audit && .data/audit/bin/pip install --quiet pip-audit==2.10.1
	.data/audit/bin/pip-audit --strict --disable-pip --no-deps -r requirements.txt -r requirements-dev.txt
