# Sourced by bin/demo and bin/test: a Python 3.11 virtual environment at .venv with the
# given requirements file installed (reinstalled only when the file changes).
set -euo pipefail
requirements="$1"
python=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))'; then
    python="$candidate"; break
  fi
done
[ -n "$python" ] || { echo "Python 3.11 or newer is needed (python3.11)." >&2; exit 1; }
[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=".venv/.installed-$(basename "$requirements")"
digest=$(cat requirements*.txt | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$requirements"
  echo "$digest" > "$stamp"
fi
# The translation catalogues are compiled here, from the .po files the repository holds.
for po in app/translations/*/LC_MESSAGES/messages.po; do
  [ "${po%.po}.mo" -nt "$po" ] || .venv/bin/pybabel compile -d app/translations >/dev/null
done
