from django import forms

from calcinosis.models import CalcinosisType, Differential
from cases.models import Stage
from quizzes.models import Certainty


def _hypotheses(types_only: bool) -> list[tuple[str, str]]:
    choices = [(t.slug, t.name) for t in CalcinosisType.objects.order_by("order")]
    if not types_only:
        choices += [(d.slug, f"{d.name} (mimic)") for d in Differential.objects.order_by("name")]
    return choices


class DecisionForm(forms.Form):
    certainty = forms.ChoiceField(
        label="How sure are you?",
        choices=Certainty.choices,
        initial=Certainty.UNSURE,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Say how sure you are: sure, unsure or guess."},
    )

    def __init__(self, *args, stage: Stage, **kwargs):
        super().__init__(*args, **kwargs)
        self.stage = stage
        if stage.decision == Stage.Decision.TYPE:
            self.fields["first"] = forms.ChoiceField(
                label="The type you now suspect",
                choices=_hypotheses(types_only=True),
                widget=forms.RadioSelect,
                error_messages={"required": "Choose the type you now suspect."},
            )
            return
        blank = [("", "Choose…")]
        for name, label in (("first", "Most likely"), ("second", "Second"), ("third", "Third")):
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=blank + _hypotheses(types_only=False),
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
