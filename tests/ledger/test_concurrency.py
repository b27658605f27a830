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


@pytest.mark.django_db(transaction=True)
def test_overdraft_race_on_one_guarded_account_lets_exactly_what_it_holds_through(refdata):
    """Each transfer re-reads the balance under the row lock it takes: 16 threads each taking 30 from an
    account holding 100 leave exactly three through, the rest refused with the balance they found."""
    budget = account_ensure(code="budget:republican", kind="budget_source", may_go_negative=True)
    pool = account_ensure(code="pool:osms", kind="contributions_pool")
    insurer = account_ensure(code="insurer:a:premium", kind="insurer_premium")
    transfer_post(key="seed", lines=[(budget, -100), (pool, 100)], reason="seed")
    refused = []

    def worker(index):
        try:
            transfer_post(key=f"take-{index}", lines=[(insurer, 30), (pool, -30)], reason="race")
        except InsufficientFunds as exc:
            refused.append(exc.balance_tiyn)

    assert run_threads(worker) == []
    assert len(refused) == THREADS - 3 and set(refused) <= {10}
    assert Account.objects.get(pk=pool.pk).balance_tiyn == 10
    assert Account.objects.get(pk=insurer.pk).balance_tiyn == 90
    assert ledger_problems() == []


@pytest.mark.django_db(transaction=True)
def test_opposite_directions_between_two_accounts_never_deadlock(refdata):
    """Half the threads move A→B, half B→A, with the lines in either order: the accounts are always locked in
    id order, so no transfer waits for another in a cycle (a deadlock would surface as a DatabaseError)."""
    budget = account_ensure(code="budget:republican", kind="budget_source", may_go_negative=True)
    a = account_ensure(code="insurer:a:premium", kind="insurer_premium")
    b = account_ensure(code="insurer:b:premium", kind="insurer_premium")
    transfer_post(key="seed", lines=[(budget, -20_000), (a, 10_000), (b, 10_000)], reason="seed")

    def worker(index):
        src, dst = (a, b) if index % 2 else (b, a)
        for n in range(25):
            lines = [(src, -7), (dst, 7)] if n % 2 else [(dst, 7), (src, -7)]
            transfer_post(key=f"swap-{index}-{n}", lines=lines, reason="race")

    assert run_threads(worker) == []
    assert Account.objects.get(pk=a.pk).balance_tiyn + Account.objects.get(pk=b.pk).balance_tiyn == 20_000
    assert Transfer.objects.count() == 1 + THREADS * 25
    assert ledger_problems() == []
    assert trial_balance()["total_tiyn"] == 0
