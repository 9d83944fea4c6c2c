"""scripts/venv_python: the interpreter `make install` builds .venv with."""
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "venv_python"


def test_it_names_a_python_3_11_or_newer_that_can_make_a_venv():
    chosen = subprocess.run([str(SCRIPT)], capture_output=True, text=True, check=True).stdout.strip()
    probe = subprocess.run([chosen, "-c", "import sys, ensurepip, venv; print(sys.version_info >= (3, 11))"],
                           capture_output=True, text=True)
    assert probe.stdout.strip() == "True", (chosen, probe.stderr)


def test_the_distributions_python_comes_first_when_it_qualifies():
    system = Path("/usr/bin/python3")
    usable = system.exists() and subprocess.run(
        [str(system), "-c", "import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))"],
        capture_output=True).returncode == 0
    chosen = subprocess.run([str(SCRIPT)], capture_output=True, text=True, check=True).stdout.strip()
    assert (chosen == str(system)) == usable
