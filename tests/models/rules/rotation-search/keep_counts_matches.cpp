#include <iostream>
#include <string>
using namespace std;

int main() {
    string s = "abab", t = "abab";
    int matches = 0;
    for (int i = 0; i < 100; i++) {
        if (s == t) matches++;  // counts every match up to the cap: not a search
        s = s.substr(1) + s[0];
    }
    cout << matches << "\n";
}
