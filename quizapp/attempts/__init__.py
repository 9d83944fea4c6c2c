"""The attempt lifecycle: start, save, submit, reopen; behaviours (practice, assessment, adaptive); the scoring
settings; practice sessions; who may see an attempt; cohorts."""
