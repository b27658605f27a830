import os
import socket
import urllib.request

from qalqan.payments.localstripe_server import local_stripe


def test_local_stripe_binds_loopback_keeps_state_in_its_file_and_restores_env(tmp_path, monkeypatch):
    monkeypatch.delenv("STRIPE_API_BASE", raising=False)
    state = tmp_path / "state.pickle"
    with local_stripe(app_url="http://127.0.0.1:9", state_file=state) as server:
        assert server.base.startswith("http://127.0.0.1:")
        assert os.environ["STRIPE_API_BASE"] == server.base
        assert os.environ["STRIPE_WEBHOOK_SECRET"] == server.webhook_secret.strip()
        port = int(server.base.rsplit(":", 1)[1])
        with urllib.request.urlopen(server.base + "/js.stripe.com/v3/", timeout=5) as response:
            assert b"localstripe" in response.read()
        request = urllib.request.Request(server.base + "/v1/customers", data=b"email=a%40b.kz", method="POST",
                                         headers={"Authorization": "Bearer sk_test_x"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
        assert state.exists()  # written after the write request, in the given place
        for address in _non_loopback_addresses():
            with socket.socket() as probe:
                probe.settimeout(1)
                assert probe.connect_ex((address, port)) != 0
    assert "STRIPE_API_BASE" not in os.environ
    assert server.process.poll() is not None


def _non_loopback_addresses() -> list[str]:
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return sorted({info[4][0] for info in infos if not info[4][0].startswith("127.")})


def test_local_stripe_lists_each_kind_in_order_and_a_charge_sees_its_refunds(localstripe_server):
    import stripe

    client = stripe.StripeClient("sk_test_lists", base_addresses={"api": localstripe_server.base})
    created = [client.v1.payment_intents.create(params={"amount": amount, "currency": "kzt", "confirm": True,
                                                        "payment_method": "pm_card_visa"})
               for amount in (1_000, 2_000)]
    listed = [intent.id for intent in client.v1.payment_intents.list(params={"limit": 100}).data]
    assert [i for i in listed if i in {c.id for c in created}] == [c.id for c in created]
    charge = created[0].latest_charge
    charge_id = charge if isinstance(charge, str) else charge.id
    client.v1.refunds.create(params={"payment_intent": created[0].id, "amount": 400})
    assert client.v1.charges.retrieve(charge_id).amount_refunded == 400
    assert [r.amount for r in client.v1.refunds.list(params={"charge": charge_id}).data] == [400]
