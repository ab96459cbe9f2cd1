#include <iostream>
#include <string>
using namespace std;

int main() {
    string s;
    cin >> s;
    int palindromic_prefixes = 0;
    for (size_t len = 1; len <= s.size(); len++) {
        size_t i = 0, j = len - 1;
        while (i < j && s[i] == s[j]) i++, j--;
        if (i >= j) palindromic_prefixes++;
    }
    cout << palindromic_prefixes << "\n";
    return 0;
}
