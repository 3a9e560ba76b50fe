import factory
import wagtail_factories

from django.utils import timezone

from structures.models import LieuPage, NewsPage, StructurePage, Term


class PublishedPageFactory(wagtail_factories.PageFactory):
    """A live page carries its publication dates, as one published through Wagtail does."""

    first_published_at = factory.LazyFunction(timezone.now)
    last_published_at = factory.SelfAttribute("first_published_at")

    class Meta:
        abstract = True


class StructurePageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"Structure {n}")
    commune = "Chambéry"
    code_postal = "73000"

    class Meta:
        model = StructurePage


class LieuPageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"Espace numérique {n}")
    adresse = "1 place de l'Hôtel de Ville"
    commune = "Chambéry"
    code_postal = "73000"

    class Meta:
        model = LieuPage
        skip_postgeneration_save = True

    @factory.post_generation
    def term_codes(self, create, extracted, **kwargs):
        """`term_codes=["Aide aux démarches administratives", …]`: terms by their standard value."""
        if extracted:
            self.terms = list(Term.objects.filter(code__in=extracted))
            if create:
                self.save()


class NewsPageFactory(PublishedPageFactory):
    title = factory.Sequence(lambda n: f"Actualité {n}")
    intro = factory.Faker("sentence", locale="fr_FR")

    class Meta:
        model = NewsPage
