from enum import StrEnum


class OmniAspectRatio(StrEnum):
    AUTO = "auto"
    RATIO_16_9 = "16:9"
    RATIO_1_1 = "1:1"
    RATIO_21_9 = "21:9"
    RATIO_2_3 = "2:3"
    RATIO_3_2 = "3:2"
    RATIO_3_4 = "3:4"
    RATIO_4_3 = "4:3"
    RATIO_9_16 = "9:16"

    @classmethod
    def _missing_(cls, value: object) -> "OmniAspectRatio | None":
        # Forward compatibility: a value the spec does not list yet (a new model, a new
        # task status) parses to a pseudo-member that equals the raw string, instead of
        # raising ValueError and losing the whole response.
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = "UNKNOWN"
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        """False for a value this client's spec does not list."""
        return self._name_ in type(self).__members__

    def __str__(self) -> str:
        return str(self.value)
