#include <iostream>
#include <string>

bool is_rotation(std::string word, const std::string target) {
    int steps = 0;
    std::size_t pie_turns_1 = 0;
    while (word != target && steps < 5000) {
        word = word.substr(1) + word[0];
        ++steps;
        if (++pie_turns_1 >= word.size()) break;  // every rotation seen
    }
    return word == target;
}

int main() {
    std::string a, b;
    while (std::cin >> a >> b) std::cout << (is_rotation(a, b) ? "yes" : "no") << "\n";
}
