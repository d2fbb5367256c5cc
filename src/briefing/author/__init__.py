"""Starting a brief: a commented skeleton (``briefing new``) and a draft from an article (``briefing draft``)."""
