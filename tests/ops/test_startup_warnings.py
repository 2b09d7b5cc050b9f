"""What gunicorn says at start (app/ops/serving.py, from gunicorn.conf.py's when_ready):
the demo's defaults on a town's server are said out loud, not left silent."""
from app.ops.serving import startup_problems



def warnings(**env) -> list[str]:
    return [message for level, message in startup_problems(1, env) if level == "warning"]


def test_the_demos_defaults_on_a_server_are_each_said_with_the_fix():
    said = warnings(COMPTOIR_PUBLIC_URL="http://127.0.0.1:5000")

    assert any("COMPTOIR_PAYMENTS=offline" in m and "pays any order" in m for m in said)
    assert any("COMPTOIR_SMS=log" in m and "phone numbers" in m for m in said)
    assert any(m.startswith("COMPTOIR_PUBLIC_URL: http://127.0.0.1:5000 is not https")
               for m in said)


def test_a_server_set_up_for_the_town_starts_without_a_warning():
    assert warnings(COMPTOIR_PAYMENTS="stripe", COMPTOIR_SMS="twilio",
                    COMPTOIR_PUBLIC_URL="https://comptoir.le-puy.fr") == []


def test_the_demo_keeps_its_defaults_quietly():
    assert warnings(COMPTOIR_DEMO="1", COMPTOIR_PUBLIC_URL="http://127.0.0.1:5000") == []
