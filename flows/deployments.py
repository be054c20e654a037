"""The daily sweep as a Prefect deployment: 07:00 on weekdays in the programme's time zone."""

DAILY_CRON = "0 7 * * 1-5"


def daily_deployment(programme_code: str, time_zone: str):
    """The deployment of `scheduled_sweep` for one programme (its runs skip holidays)."""
    from prefect.schedules import Cron

    from flows.phases import scheduled_sweep

    return scheduled_sweep.to_deployment(
        name=f"daily-{programme_code}",
        schedule=Cron(DAILY_CRON, timezone=time_zone),
        parameters={"programme_code": programme_code},
        description=f"Reconcile the phases of {programme_code} and send its reminders, "
        "at 07:00 on working days.",
    )
