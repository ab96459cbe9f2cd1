#include <iostream>
#include <string>
using namespace std;

int main() {
    string s = "ab";
    string t = s;
    s += "c";
    cout << t << s << "\n";
}
