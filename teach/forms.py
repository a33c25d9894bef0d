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

    MAX_NAMES = 500

    def clean_people(self) -> str:
        if len(self._split(self.cleaned_data["people"])) > self.MAX_NAMES:
            raise forms.ValidationError(f"At most {self.MAX_NAMES} at a time: add the rest in a second go.")
        return self.cleaned_data["people"]

    def names(self) -> list[str]:
        return self._split(self.cleaned_data["people"])

    @staticmethod
    def _split(text: str) -> list[str]:
        return list(dict.fromkeys(text.replace(",", " ").replace(";", " ").split()))


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


class ItemPeriodForm(forms.Form):
    """The dates an item analysis reads first answers from; both optional, both inclusive."""

    since = forms.DateField(
        label="Answered from", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date such as 2027-03-01."},
    )  # fmt: skip
    until = forms.DateField(
        label="to", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date such as 2027-06-30."},
    )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end comes before the start.")
        return cleaned
