#include <iostream>
#include <unordered_map>
#include <string>
#include <vector>
#include <algorithm>

int main() {
    std::vector<std::string> dictionary = {"apple", "pear", "plum"};
    std::string word;
    int unknown = 0;
    { std::unordered_map<std::basic_string<char>, std::ptrdiff_t> pie_counts_1; for (const auto &pie_e_1 : dictionary) pie_counts_1[pie_e_1]++; while (std::cin >> word) {
        if ((pie_counts_1.count(word) == 0)) unknown++;
    } }
    std::cout << unknown << "\n";
}
