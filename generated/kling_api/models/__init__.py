"""Contains all the data models used in inputs/outputs"""

from .account_costs import AccountCosts
from .account_costs_response import AccountCostsResponse
from .aspect_ratio import AspectRatio
from .balance_deduction import BalanceDeduction
from .balance_deduction_page import BalanceDeductionPage
from .balance_deduction_result import BalanceDeductionResult
from .balance_deductions_request import BalanceDeductionsRequest
from .balance_deductions_response import BalanceDeductionsResponse
from .balance_filter import BalanceFilter
from .balance_filter_key import BalanceFilterKey
from .cash_type import CashType
from .create_element_task_request import CreateElementTaskRequest
from .create_expand_image_task_request import CreateExpandImageTaskRequest
from .create_image_task_request import CreateImageTaskRequest
from .create_image_task_response import CreateImageTaskResponse
from .create_multi_image_to_image_task_request import CreateMultiImageToImageTaskRequest
from .create_multi_shot_task_request import CreateMultiShotTaskRequest
from .create_omni_image_task_request import CreateOmniImageTaskRequest
from .created_image_task import CreatedImageTask
from .currency import Currency
from .delete_element_request import DeleteElementRequest
from .delete_element_response import DeleteElementResponse
from .deleted_element_task import DeletedElementTask
from .element import Element
from .element_element_image_list import ElementElementImageList
from .element_element_video_list import ElementElementVideoList
from .element_image_list import ElementImageList
from .element_refer_image import ElementReferImage
from .element_refer_video import ElementReferVideo
from .element_reference import ElementReference
from .element_reference_type import ElementReferenceType
from .element_status import ElementStatus
from .element_tag import ElementTag
from .element_tag_id import ElementTagId
from .element_task import ElementTask
from .element_task_list_response import ElementTaskListResponse
from .element_task_response import ElementTaskResponse
from .element_task_result import ElementTaskResult
from .element_video_list import ElementVideoList
from .element_voice_info import ElementVoiceInfo
from .error_response import ErrorResponse
from .final_balance_deduction import FinalBalanceDeduction
from .image_reference import ImageReference
from .image_result import ImageResult
from .image_task import ImageTask
from .image_task_callback import ImageTaskCallback
from .image_task_list_response import ImageTaskListResponse
from .image_task_response import ImageTaskResponse
from .model_name import ModelName
from .multi_image_model_name import MultiImageModelName
from .multi_shot_image_result import MultiShotImageResult
from .multi_shot_task import MultiShotTask
from .multi_shot_task_list_response import MultiShotTaskListResponse
from .multi_shot_task_response import MultiShotTaskResponse
from .multi_shot_task_result import MultiShotTaskResult
from .omni_aspect_ratio import OmniAspectRatio
from .omni_image_input import OmniImageInput
from .omni_image_result import OmniImageResult
from .omni_image_task import OmniImageTask
from .omni_image_task_list_response import OmniImageTaskListResponse
from .omni_image_task_response import OmniImageTaskResponse
from .omni_image_task_result import OmniImageTaskResult
from .omni_model_name import OmniModelName
from .omni_resolution import OmniResolution
from .package_deduction import PackageDeduction
from .package_deduction_page import PackageDeductionPage
from .package_deduction_result import PackageDeductionResult
from .package_deductions_request import PackageDeductionsRequest
from .package_deductions_response import PackageDeductionsResponse
from .package_filter import PackageFilter
from .package_filter_key import PackageFilterKey
from .preset_element_task import PresetElementTask
from .preset_element_task_list_response import PresetElementTaskListResponse
from .product_type import ProductType
from .resolution import Resolution
from .resource_pack import ResourcePack
from .resource_pack_status import ResourcePackStatus
from .resource_pack_type import ResourcePackType
from .result_type import ResultType
from .series_amount_auto import SeriesAmountAuto
from .subject_image import SubjectImage
from .task_info import TaskInfo
from .task_result import TaskResult
from .task_status import TaskStatus
from .video_sound import VideoSound
from .watermark_info import WatermarkInfo

__all__ = (
    "AccountCosts",
    "AccountCostsResponse",
    "AspectRatio",
    "BalanceDeduction",
    "BalanceDeductionPage",
    "BalanceDeductionResult",
    "BalanceDeductionsRequest",
    "BalanceDeductionsResponse",
    "BalanceFilter",
    "BalanceFilterKey",
    "CashType",
    "CreateElementTaskRequest",
    "CreateExpandImageTaskRequest",
    "CreateImageTaskRequest",
    "CreateImageTaskResponse",
    "CreateMultiImageToImageTaskRequest",
    "CreateMultiShotTaskRequest",
    "CreateOmniImageTaskRequest",
    "CreatedImageTask",
    "Currency",
    "DeleteElementRequest",
    "DeleteElementResponse",
    "DeletedElementTask",
    "Element",
    "ElementElementImageList",
    "ElementElementVideoList",
    "ElementImageList",
    "ElementReferImage",
    "ElementReferVideo",
    "ElementReference",
    "ElementReferenceType",
    "ElementStatus",
    "ElementTag",
    "ElementTagId",
    "ElementTask",
    "ElementTaskListResponse",
    "ElementTaskResponse",
    "ElementTaskResult",
    "ElementVideoList",
    "ElementVoiceInfo",
    "ErrorResponse",
    "FinalBalanceDeduction",
    "ImageReference",
    "ImageResult",
    "ImageTask",
    "ImageTaskCallback",
    "ImageTaskListResponse",
    "ImageTaskResponse",
    "ModelName",
    "MultiImageModelName",
    "MultiShotImageResult",
    "MultiShotTask",
    "MultiShotTaskListResponse",
    "MultiShotTaskResponse",
    "MultiShotTaskResult",
    "OmniAspectRatio",
    "OmniImageInput",
    "OmniImageResult",
    "OmniImageTask",
    "OmniImageTaskListResponse",
    "OmniImageTaskResponse",
    "OmniImageTaskResult",
    "OmniModelName",
    "OmniResolution",
    "PackageDeduction",
    "PackageDeductionPage",
    "PackageDeductionResult",
    "PackageDeductionsRequest",
    "PackageDeductionsResponse",
    "PackageFilter",
    "PackageFilterKey",
    "PresetElementTask",
    "PresetElementTaskListResponse",
    "ProductType",
    "Resolution",
    "ResourcePack",
    "ResourcePackStatus",
    "ResourcePackType",
    "ResultType",
    "SeriesAmountAuto",
    "SubjectImage",
    "TaskInfo",
    "TaskResult",
    "TaskStatus",
    "VideoSound",
    "WatermarkInfo",
)
