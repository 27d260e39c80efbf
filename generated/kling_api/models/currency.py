from enum import StrEnum


class Currency(StrEnum):
    CNY = "CNY"
    USD = "USD"

    @classmethod
    def _missing_(cls, value: object) -> "Currency | None":
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
