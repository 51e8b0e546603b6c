"""E-mail alerts: a reader follows any archive filter (reports.public.filters.ReportFilter).

`following`: what a subscription follows, in words, and which subscriptions a report matches;
`subscribing`: the readers' actions (ask, confirm, change, leave, forget); `mail`: the messages;
`delivering`: the delivery records and the sending, exactly once; `tasks`: the background tasks;
`receivers`: the signals of editorial actions that queue them; `views`: the readers' pages.
"""
