app_name = "content_authoring"
urlpatterns: list = []
