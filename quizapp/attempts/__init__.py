"""The attempt lifecycle: start, save, submit, reopen; practice sessions; who may see an attempt; cohorts."""
