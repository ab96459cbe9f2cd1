#include <iostream>
#include <string>
using namespace std;

int main() {
    string s = to_string(42);
    char& c = s.front();
    c = '7';
    cout << s << " " << to_string(3.5).size() << "\n";
}
