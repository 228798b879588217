"""Đồng bộ: what waits to be sent. The connection to the province is not built yet."""

from PySide6.QtWidgets import QLabel, QVBoxLayout

from cdsxa.common.formatting import thousands
from cdsxa.sync import status
from cdsxa.ui.context import AppContext
from cdsxa.ui.errors import user_message
from cdsxa.ui.operations import QueryOp, reading
from cdsxa.ui.pages.base import NotBuiltPage


class SyncPage(NotBuiltPage):
    watches = frozenset({"*"})

    def __init__(self, context: AppContext, title: str, purpose: str) -> None:
        super().__init__(context, title, purpose)
        self.pending = QLabel()
        self.pending.setObjectName("pendingChanges")
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(2, self.pending)

    def _on_changed(self, kinds: frozenset[str]) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        # Counting a large log: off the UI thread.
        QueryOp(self, reading(self.context, status.state)).success(self._show) \
            .failure(lambda error: self.pending.setText(user_message(error))) \
            .run_in_background()

    def _show(self, state: status.SyncState) -> None:
        self.pending.setText(self.tr(
            "{count} changes recorded on this computer are waiting to be sent to the province."
        ).format(count=thousands(state.pending)))
