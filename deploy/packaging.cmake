# `make deb`: a Debian package of both binaries, built with CPack from the
# build tree (cd build && cpack -G DEB). Installs
#   /usr/bin/sofdir-server, /usr/bin/sofdir
#   /usr/share/sofdir/          thesaurus, query rules, demo directory
#                               (server/CMakeLists.txt; the server finds them
#                               next to its executable: ../share/sofdir)
#   /lib/systemd/system/sofdir-server.service  (deploy/sofdir-server.service
#                               with /usr instead of /usr/local)
#   /etc/sofdir/sofdir.conf     a conffile (deploy/sofdir.conf.example)
#   /usr/share/doc/sofdir/      README.md, deploy/README.md
# and the maintainer scripts of deploy/debian/: postinst creates the system
# user sofdir and /var/lib/sofdir; remove keeps them; purge deletes both.
# The version is project(VERSION) in CMakeLists.txt.
include(GNUInstallDirs)

set(SOFDIR_PACKAGE_DIR ${PROJECT_BINARY_DIR}/package)
file(READ ${PROJECT_SOURCE_DIR}/deploy/sofdir-server.service SOFDIR_UNIT)
string(REPLACE "/usr/local/" "/usr/" SOFDIR_UNIT "${SOFDIR_UNIT}")
file(WRITE ${SOFDIR_PACKAGE_DIR}/sofdir-server.service "${SOFDIR_UNIT}")
file(READ ${PROJECT_SOURCE_DIR}/deploy/sofdir.conf.example SOFDIR_CONF)
string(REPLACE "/usr/local/" "/usr/" SOFDIR_CONF "${SOFDIR_CONF}")
file(WRITE ${SOFDIR_PACKAGE_DIR}/sofdir.conf "${SOFDIR_CONF}")

install(FILES ${SOFDIR_PACKAGE_DIR}/sofdir-server.service DESTINATION /lib/systemd/system)
install(FILES ${SOFDIR_PACKAGE_DIR}/sofdir.conf DESTINATION /etc/sofdir)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/deploy/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR}
        RENAME README.deploy.md)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sofdir)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_CONTACT "SOF IT <sofdir@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "SOF knowledge directory: gRPC/HTTP server (sofdir-server) and CLI (sofdir)")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES TRUE)  # the debug info stays in the build tree
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/deploy/debian/conffiles
    ${PROJECT_SOURCE_DIR}/deploy/debian/postinst
    ${PROJECT_SOURCE_DIR}/deploy/debian/prerm
    ${PROJECT_SOURCE_DIR}/deploy/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
