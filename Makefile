# Shortcuts for dev.py, which needs nothing but Python 3.11+.
.PHONY: run test lint messages

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
