from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.cash_type import CashType
from ..models.currency import Currency
from ..models.video_sound import VideoSound
from ..types import (
    UNSET,
    ParseError,
    Unset,
    expect_bool,
    expect_float,
    expect_object,
    expect_str,
)

T = TypeVar("T", bound="BalanceDeduction")


@_attrs_define
class BalanceDeduction:
    """What one task took from the cash balance."""

    task_id: str | Unset = UNSET
    """ The task charged. """
    api_key_name: str | Unset = UNSET
    """ Name of the API key that created the task. """
    product_function: str | Unset = UNSET
    """ What the task did, e.g. "Image to Video". """
    model_name: str | Unset = UNSET
    """ The model the task used. """
    resolution: str | Unset = UNSET
    """ The output resolution as the ledger labels it: `720p`, `1080p` or `4k` for
    video (a legacy `mode` `std` is 720p, `pro` 1080p); how image tasks are
    labelled is not documented, so the value is not an enum here.
     """
    duration: str | Unset = UNSET
    """ Seconds of video (video tasks only), e.g. "5.04". """
    refer_video_input: bool | Unset = UNSET
    """ Whether a reference video was used (video tasks only). """
    video_sound: VideoSound | Unset = UNSET
    """ A video task's sound: `native`, `original` or `off`. """
    voice_control: bool | Unset = UNSET
    """ Whether a designated voice was used (video tasks only). """
    deduction_time: str | Unset = UNSET
    """ When the charge was made, Unix milliseconds as a string. """
    cash_type: CashType | Unset = UNSET
    """ `balance`: the official quota; `test_balance`: a test quota. """
    balance_before_deduction: float | Unset = UNSET
    """ The balance before the charge. """
    deduction_amount: float | Unset = UNSET
    """ The amount charged. """
    balance_after_deduction: float | Unset = UNSET
    """ The balance after the charge. """
    list_price: float | Unset = UNSET
    """ The list price, before any discount. """
    currency: Currency | Unset = UNSET
    """ The currency of a cash balance. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        task_id = self.task_id

        api_key_name = self.api_key_name

        product_function = self.product_function

        model_name = self.model_name

        resolution = self.resolution

        duration = self.duration

        refer_video_input = self.refer_video_input

        video_sound: str | Unset = UNSET
        if not isinstance(self.video_sound, Unset):
            video_sound = self.video_sound.value

        voice_control = self.voice_control

        deduction_time = self.deduction_time

        cash_type: str | Unset = UNSET
        if not isinstance(self.cash_type, Unset):
            cash_type = self.cash_type.value

        balance_before_deduction = self.balance_before_deduction

        deduction_amount = self.deduction_amount

        balance_after_deduction = self.balance_after_deduction

        list_price = self.list_price

        currency: str | Unset = UNSET
        if not isinstance(self.currency, Unset):
            currency = self.currency.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if task_id is not UNSET:
            field_dict["task_id"] = task_id
        if api_key_name is not UNSET:
            field_dict["api_key_name"] = api_key_name
        if product_function is not UNSET:
            field_dict["product_function"] = product_function
        if model_name is not UNSET:
            field_dict["model_name"] = model_name
        if resolution is not UNSET:
            field_dict["resolution"] = resolution
        if duration is not UNSET:
            field_dict["duration"] = duration
        if refer_video_input is not UNSET:
            field_dict["refer_video_input"] = refer_video_input
        if video_sound is not UNSET:
            field_dict["video_sound"] = video_sound
        if voice_control is not UNSET:
            field_dict["voice_control"] = voice_control
        if deduction_time is not UNSET:
            field_dict["deduction_time"] = deduction_time
        if cash_type is not UNSET:
            field_dict["cash_type"] = cash_type
        if balance_before_deduction is not UNSET:
            field_dict["balance_before_deduction"] = balance_before_deduction
        if deduction_amount is not UNSET:
            field_dict["deduction_amount"] = deduction_amount
        if balance_after_deduction is not UNSET:
            field_dict["balance_after_deduction"] = balance_after_deduction
        if list_price is not UNSET:
            field_dict["list_price"] = list_price
        if currency is not UNSET:
            field_dict["currency"] = currency

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(expect_object(src_dict))
        _task_id = d.pop("task_id", UNSET)
        task_id = _task_id if isinstance(_task_id, Unset) else expect_str(_task_id, "task_id")

        _api_key_name = d.pop("api_key_name", UNSET)
        api_key_name = _api_key_name if isinstance(_api_key_name, Unset) else expect_str(_api_key_name, "api_key_name")

        _product_function = d.pop("product_function", UNSET)
        product_function = (
            _product_function
            if isinstance(_product_function, Unset)
            else expect_str(_product_function, "product_function")
        )

        _model_name = d.pop("model_name", UNSET)
        model_name = _model_name if isinstance(_model_name, Unset) else expect_str(_model_name, "model_name")

        _resolution = d.pop("resolution", UNSET)
        resolution = _resolution if isinstance(_resolution, Unset) else expect_str(_resolution, "resolution")

        _duration = d.pop("duration", UNSET)
        duration = _duration if isinstance(_duration, Unset) else expect_str(_duration, "duration")

        _refer_video_input = d.pop("refer_video_input", UNSET)
        refer_video_input = (
            _refer_video_input
            if isinstance(_refer_video_input, Unset)
            else expect_bool(_refer_video_input, "refer_video_input")
        )

        try:
            _video_sound = d.pop("video_sound", UNSET)
            video_sound: VideoSound | Unset
            if isinstance(_video_sound, Unset):
                video_sound = UNSET
            else:
                video_sound = VideoSound(_video_sound)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("video_sound", error) from None

        _voice_control = d.pop("voice_control", UNSET)
        voice_control = (
            _voice_control if isinstance(_voice_control, Unset) else expect_bool(_voice_control, "voice_control")
        )

        _deduction_time = d.pop("deduction_time", UNSET)
        deduction_time = (
            _deduction_time if isinstance(_deduction_time, Unset) else expect_str(_deduction_time, "deduction_time")
        )

        try:
            _cash_type = d.pop("cash_type", UNSET)
            cash_type: CashType | Unset
            if isinstance(_cash_type, Unset):
                cash_type = UNSET
            else:
                cash_type = CashType(_cash_type)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("cash_type", error) from None

        _balance_before_deduction = d.pop("balance_before_deduction", UNSET)
        balance_before_deduction = (
            _balance_before_deduction
            if isinstance(_balance_before_deduction, Unset)
            else expect_float(_balance_before_deduction, "balance_before_deduction")
        )

        _deduction_amount = d.pop("deduction_amount", UNSET)
        deduction_amount = (
            _deduction_amount
            if isinstance(_deduction_amount, Unset)
            else expect_float(_deduction_amount, "deduction_amount")
        )

        _balance_after_deduction = d.pop("balance_after_deduction", UNSET)
        balance_after_deduction = (
            _balance_after_deduction
            if isinstance(_balance_after_deduction, Unset)
            else expect_float(_balance_after_deduction, "balance_after_deduction")
        )

        _list_price = d.pop("list_price", UNSET)
        list_price = _list_price if isinstance(_list_price, Unset) else expect_float(_list_price, "list_price")

        try:
            _currency = d.pop("currency", UNSET)
            currency: Currency | Unset
            if isinstance(_currency, Unset):
                currency = UNSET
            else:
                currency = Currency(_currency)

        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ParseError.at("currency", error) from None

        balance_deduction = cls(
            task_id=task_id,
            api_key_name=api_key_name,
            product_function=product_function,
            model_name=model_name,
            resolution=resolution,
            duration=duration,
            refer_video_input=refer_video_input,
            video_sound=video_sound,
            voice_control=voice_control,
            deduction_time=deduction_time,
            cash_type=cash_type,
            balance_before_deduction=balance_before_deduction,
            deduction_amount=deduction_amount,
            balance_after_deduction=balance_after_deduction,
            list_price=list_price,
            currency=currency,
        )

        balance_deduction.additional_properties = d
        return balance_deduction

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
