#include <iostream>
#include <string>
using namespace std;

int main() {
    string text, pattern;
    cin >> text >> pattern;
    int matches = 0;
    for (size_t i = 0; i + pattern.size() <= text.size(); i++)
        if (text.substr(i, pattern.size()) == pattern) matches++;
    cout << matches << "\n";
    return 0;
}
