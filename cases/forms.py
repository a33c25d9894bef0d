from django import forms

from cases.models import Stage
from quizzes.forms import certainty_field


class DecisionForm(forms.Form):
    certainty = certainty_field()

    def __init__(self, *args, stage: Stage, types: dict[str, str], mimics: dict[str, str], **kwargs):
        """`types` and `mimics` map slug to name (cases.models.hypotheses), read once by the view."""
        super().__init__(*args, **kwargs)
        self.stage = stage
        if stage.decision == Stage.Decision.TYPE:
            self.fields["first"] = forms.ChoiceField(
                label="The type you now suspect",
                choices=list(types.items()),
                widget=forms.RadioSelect,
                error_messages={"required": "Choose the type you now suspect."},
            )
            return
        blank = [("", "Choose…")]
        for name, label in (("first", "Most likely"), ("second", "Second"), ("third", "Third")):
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=blank + list(types.items()) + [(slug, f"{name} (mimic)") for slug, name in mimics.items()],
                error_messages={"required": f"Choose your {label.lower()} diagnosis."},
            )

    def clean(self):
        cleaned = super().clean()
        picks = [cleaned.get(n) for n in ("first", "second", "third") if n in self.fields]
        if all(picks) and len(set(picks)) != len(picks):
            raise forms.ValidationError("Rank three different diagnoses.")
        return cleaned

    def ranking(self) -> list[str]:
        return [self.cleaned_data[n] for n in ("first", "second", "third") if n in self.fields]
