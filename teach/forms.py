from django import forms

from quizzes.models import ProblemReport
from teach.models import normalise_join_code


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


class CohortForm(forms.Form):
    name = forms.CharField(
        label="Name of the new cohort",
        max_length=120,
        help_text="For example “Dermatology block, spring 2027”.",
        error_messages={"required": "Give the cohort a name."},
    )


class AddLearnersForm(forms.Form):
    people = forms.CharField(
        label="Add learners by username or email",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Several at once: one per line, or separated by commas or spaces.",
        error_messages={"required": "Write at least one username or email."},
    )

    def names(self) -> list[str]:
        text = self.cleaned_data["people"].replace(",", " ").replace(";", " ")
        return list(dict.fromkeys(text.split()))


class JoinForm(forms.Form):
    code = forms.CharField(
        label="Join code",
        max_length=20,
        help_text="From your instructor, such as ABCD-2345.",
        error_messages={"required": "Type the code your instructor gave you."},
    )

    def clean_code(self) -> str:
        code = normalise_join_code(self.cleaned_data["code"])
        if len(code) != 8:
            raise forms.ValidationError("A join code has eight letters and digits, such as ABCD-2345.")
        return code
