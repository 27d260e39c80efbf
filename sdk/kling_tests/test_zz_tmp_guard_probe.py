import logging

from kling_tests.test_webhooks import WEBHOOK_SECRET


def test_probe_logs_the_key() -> None:
    logging.getLogger("probe").debug("key %s", WEBHOOK_SECRET.removeprefix("whsec_"))
    logging.getLogger("probe").debug("raw %s", "testsecrettestsecrettestsecret12")
