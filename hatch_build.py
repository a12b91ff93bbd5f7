"""Build hook: put the kata content inside the wheel, as tddkit/_content/.

A learner's plain `pip install .` must be able to make a workspace, so the index of katas,
their lessons and metadata (mutants included), stubs, tests and reference solutions ship
inside the package. An editable install reads them
from the checkout instead (tddkit/content.py), so they are not copied there.
"""

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

CONTENT = ("katas.toml", "lessons", "katas", "solutions", "tests")


class CustomBuildHook(BuildHookInterface):
    def initialize(self, version, build_data):
        if version == "standard":
            for folder in CONTENT:
                build_data["force_include"][folder] = f"tddkit/_content/{folder}"
