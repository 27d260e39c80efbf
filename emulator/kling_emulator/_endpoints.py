"""The task endpoints the emulator serves, as data: one code path serves them all.

Each family of the spec (image generation, omni-image, multi-image to image, outpainting, AI Multi-Shot, custom
elements) has a create, a query by id and a list; the emulator handles every one of them the same way (validation,
quota, lifecycle, faults, callbacks, charges), and what differs is stated here: the operations, what its result
looks like, and what the ledgers call it. ``emulator/kling_emulator_tests/test_spec_data.py`` holds the table to the
spec (each path and operation exists, with its method).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ResultKind(StrEnum):
    """How a finished task shows its result (``task_result`` of the query)."""

    #: ``images``: ``{index, url, watermark_url?}`` per image (``ImageTask``).
    IMAGES = "images"
    #: ``result_type``, then ``images`` (single) or ``series_images`` (series) (``OmniImageTask``).
    OMNI = "omni"
    #: ``images``: one result set ``{index, url_1, url_2, url_3}`` (``MultiShotTask``).
    MULTI_SHOT = "multi_shot"
    #: ``elements``: the element created (``ElementTask``).
    ELEMENTS = "elements"


@dataclass(frozen=True)
class Endpoint:
    """One task endpoint of the spec: its path, its three operations and the shape of its results."""

    #: The path of the create and the list (the query adds ``/{task_id}``); shown on the images it makes.
    path: str
    create: str
    get: str
    list: str
    #: What the ledgers call its tasks (``product_function``, e.g. "Image to Video" in the spec's example).
    product_function: str
    result: ResultKind
    #: Whether a model of ``ModelName``'s ``x-kling-retired`` is refused as discontinued here (the generations
    #: endpoint's own models); elsewhere a name the endpoint does not list is unknown (404/1203).
    retired_models: bool = False
    #: Whether its tasks have a price (``x-kling-pricing``). The element pages price nothing (image-endpoints.md
    #: §7.2: silent) and the spec's element examples show ``final_unit_deduction: "0"``: charged 0.
    priced: bool = True


GENERATIONS = Endpoint(
    "/v1/images/generations",
    "createImageTask",
    "getImageTask",
    "listImageTasks",
    "Image Generation",
    ResultKind.IMAGES,
    retired_models=True,
)
OMNI_IMAGE = Endpoint(
    "/v1/images/omni-image",
    "createOmniImageTask",
    "getOmniImageTask",
    "listOmniImageTasks",
    "Omni Image",
    ResultKind.OMNI,
)
MULTI_IMAGE = Endpoint(
    "/v1/images/multi-image2image",
    "createMultiImageToImageTask",
    "getMultiImageToImageTask",
    "listMultiImageToImageTasks",
    "Multi-Image to Image",
    ResultKind.IMAGES,
)
EXPAND = Endpoint(
    "/v1/images/editing/expand",
    "createExpandImageTask",
    "getExpandImageTask",
    "listExpandImageTasks",
    "Outpainting",
    ResultKind.IMAGES,
)
MULTI_SHOT = Endpoint(
    "/v1/general/ai-multi-shot",
    "createMultiShotTask",
    "getMultiShotTask",
    "listMultiShotTasks",
    "AI Multi-Shot",
    ResultKind.MULTI_SHOT,
)
ELEMENTS = Endpoint(
    "/v1/general/advanced-custom-elements",
    "createElementTask",
    "getElementTask",
    "listElementTasks",
    "Custom Element",
    ResultKind.ELEMENTS,
    priced=False,
)

TASK_ENDPOINTS: tuple[Endpoint, ...] = (GENERATIONS, OMNI_IMAGE, MULTI_IMAGE, EXPAND, MULTI_SHOT, ELEMENTS)

#: The endpoint whose create is this operation (``"createOmniImageTask"`` -> OMNI_IMAGE).
BY_CREATE: dict[str, Endpoint] = {endpoint.create: endpoint for endpoint in TASK_ENDPOINTS}
