"""The monthly subsidy run: dated source rules, the set-based calculation, approval, disbursement."""
