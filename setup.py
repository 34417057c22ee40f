"""Build hook: ship the top-level ``configs/`` (Hydra's config tree, kept at the repository root)
inside the package as ``sim/configs/``, so a wheel (``pip install .``) runs without the checkout.
``sim.config.CONFIG_DIR`` uses the repository copy when present, else this installed copy."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithConfigs(build_py):
    def run(self):
        super().run()
        if not self.editable_mode:
            shutil.copytree(ROOT / "configs", Path(self.build_lib) / "sim" / "configs", dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyWithConfigs})
