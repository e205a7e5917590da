from django.apps import AppConfig


class SearchesConfig(AppConfig):
    name = "searches"
    verbose_name = "Saved searches"

    def ready(self) -> None:
        from events import workflow
        from searches import alerts

        # Events just published (or changed while published) are matched
        # against the saved searches by a job queued in the same transaction.
        workflow.published.connect(alerts.on_published, dispatch_uid="searches")
