"""The scientific programme: call for abstracts, submissions, review, decisions, book of abstracts."""
