#include <cstdio>
#include <string>
std::string names[2000] = {"a", "b"};

int main() {
    names[5] += "x";
    printf("%s %s\n", names[0].c_str(), names[5].c_str());
}
