#include <iostream>
#include <string>
#include <vector>
#include <algorithm>

int main() {
    std::vector<std::string> dictionary = {"apple", "pear", "plum"};
    std::string word;
    int unknown = 0;
    while (std::cin >> word) {
        if (std::find(dictionary.begin(), dictionary.end(), word) == dictionary.end()) unknown++;
    }
    std::cout << unknown << "\n";
}
