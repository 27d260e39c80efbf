"""Contains all the data models used in inputs/outputs"""

from .aspect_ratio import AspectRatio
from .create_image_task_request import CreateImageTaskRequest
from .create_image_task_response import CreateImageTaskResponse
from .created_image_task import CreatedImageTask
from .element_reference import ElementReference
from .error_response import ErrorResponse
from .final_balance_deduction import FinalBalanceDeduction
from .image_reference import ImageReference
from .image_result import ImageResult
from .image_task import ImageTask
from .image_task_callback import ImageTaskCallback
from .image_task_list_response import ImageTaskListResponse
from .image_task_response import ImageTaskResponse
from .model_name import ModelName
from .resolution import Resolution
from .task_info import TaskInfo
from .task_result import TaskResult
from .task_status import TaskStatus
from .watermark_info import WatermarkInfo

__all__ = (
    "AspectRatio",
    "CreateImageTaskRequest",
    "CreateImageTaskResponse",
    "CreatedImageTask",
    "ElementReference",
    "ErrorResponse",
    "FinalBalanceDeduction",
    "ImageReference",
    "ImageResult",
    "ImageTask",
    "ImageTaskCallback",
    "ImageTaskListResponse",
    "ImageTaskResponse",
    "ModelName",
    "Resolution",
    "TaskInfo",
    "TaskResult",
    "TaskStatus",
    "WatermarkInfo",
)
