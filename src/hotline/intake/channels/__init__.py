"""The channels that bring contacts in other than one at a time over the API or the pages: file
imports (`imports`), mailboxes (`mail`), signed webhooks of apps and mini-programs (`webhooks`).

Each adapter reads what its channel delivers, turns it into `intake.actions.AppealData` and hands
it to intake's actions, so every channel reaches the same store and the same loop (routing
included). Design: docs/adr/0013-channels.md.
"""
