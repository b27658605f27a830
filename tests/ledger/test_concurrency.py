"""Real threads against PostgreSQL: no lost update, no negative balance where forbidden, no deadlock."""
import random
import threading
from collections import Counter

import pytest
from django.db import connection

from qalqan.ledger.models import Account, Transfer
from qalqan.ledger.services import (
    IdempotencyConflict, InsufficientFunds, account_ensure, ledger_problems, transfer_post, trial_balance,
)

THREADS = 16


def run_threads(target, count=THREADS):
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def wrapped(index):
        try:
            barrier.wait()
            target(index)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return errors


@pytest.mark.django_db(transaction=True)
def test_sixteen_threads_on_the_same_accounts(refdata):
    budget = account_ensure(code="budget:republican", kind="budget_source", may_go_negative=True)
    guarded = [account_ensure(code=c, kind="insurer_premium") for c in
               ("pool:osms", "insurer:a:premium", "insurer:b:premium", "insurer:c:premium")]
    transfer_post(key="seed", lines=[(budget, -200_000), (guarded[0], 200_000)], reason="seed")
    outcomes = Counter()
    lock = threading.Lock()

    def worker(index):
        rng = random.Random(index)
        for n in range(30):
            src, dst, third = rng.sample(guarded, 3)
            amount = rng.randint(1, 40_000)
            if n % 5 == 0:  # three-way, accounts listed in random order
                lines = [(dst, amount), (third, amount), (src, -2 * amount)]
            elif n % 7 == 0:
                lines = [(budget, -amount), (dst, amount)]
            else:
                lines = [(src, -amount), (dst, amount)]
            rng.shuffle(lines)
            try:
                transfer_post(key=f"race-{index}-{n}", lines=lines, reason="race")
                result = "posted"
            except InsufficientFunds:
                result = "refused"
            with lock:
                outcomes[result] += 1

    errors = run_threads(worker)
    assert errors == []
    assert outcomes["posted"] + outcomes["refused"] == THREADS * 30
    assert outcomes["posted"] > THREADS * 5 and outcomes["refused"] > 0  # both paths were exercised
    assert Transfer.objects.count() == outcomes["posted"] + 1
    assert ledger_problems() == []  # cached balances = postings, every transfer balances
    assert not Account.objects.filter(may_go_negative=False, balance_tiyn__lt=0).exists()
    assert trial_balance()["total_tiyn"] == 0


@pytest.mark.django_db(transaction=True)
def test_one_key_posted_by_sixteen_threads_at_once_posts_once(refdata):
    budget = account_ensure(code="budget:republican", kind="budget_source", may_go_negative=True)
    pool = account_ensure(code="pool:osms", kind="contributions_pool")
    ids = []

    def worker(index):
        amount = 100 if index % 2 == 0 else 101
        try:
            ids.append(transfer_post(key="same", lines=[(budget, -amount), (pool, amount)], reason="race").pk)
        except IdempotencyConflict:
            ids.append("conflict")

    assert run_threads(worker) == []
    posted = [i for i in ids if i != "conflict"]
    assert len(set(posted)) == 1 and len(ids) == THREADS
    assert Transfer.objects.count() == 1
    assert ledger_problems() == []
    assert pool.__class__.objects.get(pk=pool.pk).balance_tiyn in (100, 101)
