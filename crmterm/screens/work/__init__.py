"""My work: the workspace tab that merges an agent's held inquiries, mail awaiting a reply, due callbacks and
open tasks (the "Schedule callback" dialog is screens/inquiry/callback_dialog, used by Register too)."""
