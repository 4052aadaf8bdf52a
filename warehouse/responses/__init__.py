"""Respondent-level answers to the appendix's 59 questions, and the synthetic collections
generated from the published tables until real answers are held."""
