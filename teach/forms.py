from django import forms

from quizzes.models import ProblemReport


class ResolveReportForm(forms.Form):
    status = forms.ChoiceField(
        label="Outcome",
        choices=[c for c in ProblemReport.Status.choices if c[0] != ProblemReport.Status.OPEN],
        error_messages={"required": "Choose an outcome.", "invalid_choice": "Choose one of the outcomes listed."},
    )
    resolution = forms.CharField(
        label="Note to the learner",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write what was done, for the learner who reported it."},
    )
