from django.views.generic import TemplateView

from ..selectors import home_page_content


class HomeView(TemplateView):
    template_name = "catalogue/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | home_page_content()
