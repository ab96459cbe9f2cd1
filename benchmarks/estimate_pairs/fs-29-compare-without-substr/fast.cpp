#include <iostream>
#include <string>
using namespace std;

int main() {
    string text, pattern;
    cin >> text >> pattern;
    int matches = 0;
    for (size_t i = 0; i + pattern.size() <= text.size(); i++)
        if (text.compare(i, pattern.size(), pattern) == 0) matches++;
    cout << matches << "\n";
    return 0;
}
