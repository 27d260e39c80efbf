"""The preset (official) elements ``GET /v1/general/advanced-presets-elements`` pages through.

The spec's documented one (its ``listPresetElements`` example: element 160, a snow leopard), read from the spec, then
a few more of the same shape (``_constants.EXTRA_PRESET_ELEMENTS``). They are the same for every account and never
change; ``POST /v1/general/delete-elements`` refuses to delete them ("preset elements cannot be deleted").
"""

from __future__ import annotations

import copy
from typing import Any

from kling_spec import Spec

from ._constants import EXTRA_PRESET_ELEMENTS


def preset_elements(spec: Spec) -> tuple[dict[str, Any], ...]:
    """The preset element tasks (``PresetElementTask``), in the order the list gives them."""
    documented = [task for example in spec.examples("listPresetElements", 200).values() for task in example["data"]]
    model = documented[0]
    frontal = str(model["task_result"]["elements"][0]["element_image_list"]["frontal_image"])
    host = frontal.rpartition("/")[0]
    extra: list[dict[str, Any]] = []
    for fields in EXTRA_PRESET_ELEMENTS:
        task = copy.deepcopy(model)
        task["task_id"] = fields["task_id"]
        element = task["task_result"]["elements"][0]
        element["element_id"] = fields["element_id"]
        element["element_name"] = fields["element_name"]
        element["element_description"] = fields["element_description"]
        element["element_image_list"] = {
            "frontal_image": f"{host}/{fields['image']}-front.png",
            "refer_images": [{"image_url": f"{host}/{fields['image']}-side.png"}],
        }
        element["tag_list"] = [{"tag_id": fields["tag_id"]}]
        extra.append(task)
    return tuple(documented + extra)


def preset_element_ids(presets: tuple[dict[str, Any], ...]) -> frozenset[int]:
    """The element ids of the presets."""
    return frozenset(
        int(element["element_id"]) for task in presets for element in task.get("task_result", {}).get("elements", [])
    )
