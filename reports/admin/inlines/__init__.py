"""Inlines of what belongs to a report and is edited on its change form: its figures
(`figures`). (The bylines inline lives with the authors, in reports.admin.authors.)"""
