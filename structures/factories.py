import factory
import wagtail_factories

from structures.models import LieuPage, NewsPage, StructurePage, Term


class StructurePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Structure {n}")
    commune = "Chambéry"
    code_postal = "73000"

    class Meta:
        model = StructurePage


class LieuPageFactory(wagtail_factories.PageFactory):
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


class NewsPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Actualité {n}")
    intro = factory.Faker("sentence", locale="fr_FR")

    class Meta:
        model = NewsPage
